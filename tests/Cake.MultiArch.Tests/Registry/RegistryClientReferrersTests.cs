using System.Text;
using Cake.Core;
using Cake.MultiArch.Registry;
using Cake.MultiArch.Tests.Fixtures;

namespace Cake.MultiArch.Tests.Registry;

/// <summary>The referrers API read of the registry client (distribution-spec 1.1 "Listing Referrers") against the suite's own HTTP registry.</summary>
public sealed class RegistryClientReferrersTests
{
    private const string Empty = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}";
    private static readonly string Subject = "sha256:" + new string('a', 64);

    public sealed class TheGetReferrersAsyncMethod
    {
        [Fact]
        public async Task Should_Return_Null_When_The_Registry_Answers_404()
        {
            // Given: no route for the referrers API (registry 2.8 answers 404 too)
            using var registry = new FaultRegistry();
            using var client = new RegistryClient(new RegistryClientOptions());

            // When
            var referrers = await client.GetReferrersAsync(ImageReference.Parse($"{registry.Host}/app:1"), Subject, TestContext.Current.CancellationToken);

            // Then
            Assert.Null(referrers);
            var request = Assert.Single(registry.Requests, r => r.Path.Contains("/referrers/", StringComparison.Ordinal));
            Assert.Equal(("GET", $"/v2/app/referrers/{Subject}"), (request.Method, request.Path));
        }

        [Fact]
        public async Task Should_Refuse_A_Next_Page_On_Another_Host()
        {
            // Given
            using var registry = new FaultRegistry();
            registry.Fault(r => r.Path.Contains("/referrers/", StringComparison.Ordinal)
                ? FaultReply.Ok(MediaTypes.OciIndex, Encoding.UTF8.GetBytes(Empty), ("Link", "<http://elsewhere.example:5000/v2/app/referrers/x?last=1>; rel=\"next\""))
                : null);
            using var client = new RegistryClient(new RegistryClientOptions());

            // When
            var ex = await Assert.ThrowsAsync<CakeException>(() => client.GetReferrersAsync(ImageReference.Parse($"{registry.Host}/app:1"), Subject, TestContext.Current.CancellationToken));

            // Then
            Assert.Equal($"GET http://{registry.Host}/v2/app/referrers/{Subject} sent a Link to the next page on another host (http://elsewhere.example:5000); expected a page of the same registry (http://{registry.Host}).", ex.Message);
        }

        [Fact]
        public async Task Should_Stop_When_The_Pages_Never_End()
        {
            // Given: every page links to the next
            using var registry = new FaultRegistry();
            registry.Fault(r => r.Path.Contains("/referrers/", StringComparison.Ordinal)
                ? FaultReply.Ok(MediaTypes.OciIndex, Encoding.UTF8.GetBytes(Empty), ("Link", $"<{r.Path}?last={r.Number}>; rel=\"next\""))
                : null);
            using var client = new RegistryClient(new RegistryClientOptions());

            // When
            var ex = await Assert.ThrowsAsync<CakeException>(() => client.GetReferrersAsync(ImageReference.Parse($"{registry.Host}/app:1"), Subject, TestContext.Current.CancellationToken));

            // Then
            Assert.StartsWith($"GET http://{registry.Host}/v2/app/referrers/{Subject}?last=", ex.Message, StringComparison.Ordinal);
            Assert.EndsWith($": the referrers list of {Subject} in {registry.Host}/app goes on past 100 pages; expected a last page without a Link header. The registry's pagination loops.", ex.Message, StringComparison.Ordinal);
            Assert.Equal(100, registry.Requests.Count(r => r.Path.Contains("/referrers/", StringComparison.Ordinal)));
        }
    }
}
