using Cake.MultiArch.VerifyManifest;

namespace Cake.MultiArch.Tests.VerifyManifest;

/// <summary>VerifyManifest's validation without a request (the rest of its rows are in <see cref="VerifyManifestBadInputTests"/>).</summary>
public sealed class VerifyManifestPlanTests
{
    public sealed class TheDeepCheckIdProblemsMethod
    {
        [Fact]
        public void Should_List_Unknown_Check_Ids_With_The_Accepted_Ones()
        {
            // Given
            var settings = new VerifyManifestSettings { DisabledDeepChecks = { "Entrypoint", "elf-arch" }, DeepChecksAsErrors = { "neededLibraries" } };

            // When
            var problems = VerifyManifestPlan.DeepCheckIdProblems(settings).ToArray();

            // Then
            Assert.Equal(
                [
                    "DisabledDeepChecks lists 'elf-arch', which is not a deep check; expected one of 'ElfMachine', 'Entrypoint', 'Interpreter', 'NeededLibraries', 'ArmFloatAbi', 'ArmArch'.",
                    "DeepChecksAsErrors lists 'neededLibraries', which is not a deep check; expected one of 'ElfMachine', 'Entrypoint', 'Interpreter', 'NeededLibraries', 'ArmFloatAbi', 'ArmArch'.",
                ],
                problems);
        }
    }
}
