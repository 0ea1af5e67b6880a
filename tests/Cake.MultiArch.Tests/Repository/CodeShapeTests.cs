using System.Reflection;
using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.MultiArch.Tests.Fixtures;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Path = System.IO.Path;

namespace Cake.MultiArch.Tests.Repository;

/// <summary>
/// The shape CONTRIBUTING.md describes, checked on the sources themselves (Roslyn's syntax trees)
/// and on the built addin: small methods, no partial types but the alias class, one type for
/// registry access, one folder and one constructor shape per alias, a repository that stands alone.
/// </summary>
public sealed class CodeShapeTests
{
    private const int MaxMemberLines = 80;

    private static readonly Lazy<IReadOnlyList<(string Path, SyntaxTree Tree)>> Sources = new(() =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, "src", "Cake.MultiArch"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (Path.GetRelativePath(TestPaths.RepositoryRoot, p), CSharpSyntaxTree.ParseText(File.ReadAllText(p), path: p)))
            .ToArray());

    // The sources bound against the framework and Cake (no source generator runs, so generated
    // members such as MultiArchJsonContext.Default do not bind; the rules below allow for that).
    private static readonly Lazy<CSharpCompilation> Compilation = new(() => CSharpCompilation.Create(
        "CodeShape",
        Sources.Value.Select(s => s.Tree).Append(CSharpSyntaxTree.ParseText(ImplicitUsings)),
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("Cake.MultiArch", StringComparison.Ordinal))
            .Select(p => MetadataReference.CreateFromFile(p)),
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)));

    private const string ImplicitUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    private static Assembly Addin => typeof(MultiArchAliases).Assembly;

    public sealed class TheSourceFiles
    {
        [Fact]
        public void Should_Have_No_Method_Longer_Than_80_Lines()
        {
            // Given / When: every method, constructor, operator, accessor and local function, from its first line to its last
            var offenders = Sources.Value
                .SelectMany(s => s.Tree.GetRoot().DescendantNodes()
                    .Where(n => n is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax)
                    .Select(n => (s.Path, Node: n, Lines: Lines(n))))
                .Where(m => m.Lines > MaxMemberLines)
                .Select(m => $"{m.Path}:{m.Node.GetLocation().GetLineSpan().StartLinePosition.Line + 1} {Name(m.Node)} ({m.Lines} lines)")
                .ToArray();

            // Then
            Assert.Empty(offenders);
        }

        [Fact]
        public void Should_Have_No_Partial_Type_But_The_Alias_Class_And_The_Source_Generators_Holders()
        {
            // Given: partial declarations by type; a type may be partial only to hold [GeneratedRegex]
            // methods, or be the source-generated JSON context, in one file, or be the alias class
            // (one file per alias folder)
            var partials = Sources.Value
                .SelectMany(s => s.Tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()
                    .Where(t => t.Modifiers.Any(SyntaxKind.PartialKeyword))
                    .Select(t => (s.Path, Type: t)))
                .GroupBy(p => FullName(p.Type));

            // When
            var offenders = partials
                .Where(g => g.Key != "Cake.MultiArch.MultiArchAliases")
                .Where(g => g.Count() > 1 || !(HasGeneratedRegex(g.Single().Type) || IsJsonContext(g.Single().Type)))
                .Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => p.Path))}")
                .ToArray();

            // Then
            Assert.Empty(offenders);
        }

        [Fact]
        public void Should_Compile_No_Regular_Expression_At_Run_Time_But_A_Users_Own()
        {
            // Given: every Regex made with new, and every static Regex method that takes a pattern
            // (Regex.IsMatch(text, pattern), Regex.Replace(…)), outside the one file that compiles
            // the expressions a user writes in the settings; every other one is a [GeneratedRegex]
            var regex = Compilation.Value.GetTypeByMetadataName("System.Text.RegularExpressions.Regex")!;

            // When
            var offenders = Bound(s => s.Path.Replace('\\', '/') != UserRegexFile)
                .SelectMany(s => s.Tree.GetRoot().DescendantNodes().Where(MayBeRegex).Select(n => (s.Path, Node: n, What: n switch
                {
                    BaseObjectCreationExpressionSyntax created when SymbolEqualityComparer.Default.Equals(s.Model.GetTypeInfo(created).Type, regex) => "new Regex",
                    InvocationExpressionSyntax call when s.Model.GetSymbolInfo(call).Symbol is IMethodSymbol { IsStatic: true } m
                        && SymbolEqualityComparer.Default.Equals(m.ContainingType, regex) && m.Parameters.Any(p => p.Name == "pattern") => $"Regex.{m.Name}(…, pattern, …)",
                    _ => null,
                })))
                .Where(n => n.What is not null)
                .Select(n => $"{Where(n.Path, n.Node)} {n.What}: make it a [GeneratedRegex]")
                .ToArray();

            // Then
            Assert.Empty(offenders);
        }

        [Fact]
        public void Should_Read_And_Write_Json_Only_Through_The_Source_Generated_Context()
        {
            // Given: every JsonSerializer call; it must take a JsonTypeInfo or a context (the
            // overloads without one read the types by reflection), and the one context is internal
            var serializer = Compilation.Value.GetTypeByMetadataName("System.Text.Json.JsonSerializer")!;
            var contexts = Sources.Value
                .SelectMany(s => s.Tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().Where(IsJsonContext).Select(c => (s.Path, Class: c)))
                .ToArray();

            // When
            var offenders = Bound(_ => true)
                .SelectMany(s => s.Tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>()
                    .Where(call => Called(call) is { } name && (name.StartsWith("Serialize", StringComparison.Ordinal) || name.StartsWith("Deserialize", StringComparison.Ordinal)))
                    .Where(call => Candidates(s.Model, call).Any(m => SymbolEqualityComparer.Default.Equals(m.ContainingType, serializer)))
                    .Where(call => !IsSourceGenerated(s.Model, call))
                    .Select(call => $"{Where(s.Path, call)} {call}: pass MultiArchJsonContext.Default.<Type>"))
                .ToArray();

            // Then
            var context = Assert.Single(contexts);
            Assert.Contains(context.Class.Modifiers, m => m.IsKind(SyntaxKind.InternalKeyword));
            Assert.Empty(offenders);
        }

        [Fact]
        public void Should_Declare_Registry_Access_Once()
        {
            // Given: the registry-access properties that public settings types used to repeat
            string[] access = ["Username", "Password", "InsecureRegistries", "UseDockerConfig", "MaxAttempts"];

            // When
            var offenders = Sources.Value
                .SelectMany(s => s.Tree.GetRoot().DescendantNodes().OfType<PropertyDeclarationSyntax>()
                    .Where(p => access.Contains(p.Identifier.Text) && p.Modifiers.Any(SyntaxKind.PublicKeyword))
                    .Select(p => (s.Path, Declaring: p.Ancestors().OfType<TypeDeclarationSyntax>().First(), p.Identifier.Text))
                    .Where(p => p.Declaring.Modifiers.Any(SyntaxKind.PublicKeyword))
                    .Select(p => (p.Path, Type: p.Declaring.Identifier.Text, p.Text)))
                .Where(p => p.Type != "RegistryAccess" && (p.Type.EndsWith("Settings", StringComparison.Ordinal) || p.Type.EndsWith("Options", StringComparison.Ordinal)))
                .Select(p => $"{p.Path}: {p.Type}.{p.Text}")
                .ToArray();

            // Then
            Assert.Empty(offenders);
        }

        private static int Lines(SyntaxNode node)
        {
            var span = node.GetLocation().GetLineSpan();
            return span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
        }

        private static string Name(SyntaxNode node) => node switch
        {
            MethodDeclarationSyntax m => m.Identifier.Text,
            ConstructorDeclarationSyntax c => c.Identifier.Text + " (constructor)",
            LocalFunctionStatementSyntax l => l.Identifier.Text + " (local function)",
            AccessorDeclarationSyntax a => a.Ancestors().OfType<BasePropertyDeclarationSyntax>().First() switch
            {
                PropertyDeclarationSyntax p => $"{p.Identifier.Text}.{a.Keyword.Text}",
                var other => $"{other.Kind()}.{a.Keyword.Text}",
            },
            _ => node.Kind().ToString(),
        };

        private const string UserRegexFile = "src/Cake.MultiArch/ImageMetadata/UserRegex.cs";

        private static IEnumerable<(string Path, SyntaxTree Tree, SemanticModel Model)> Bound(Func<(string Path, SyntaxTree Tree), bool> which) =>
            Sources.Value.Where(which).Select(s => (s.Path, s.Tree, Compilation.Value.GetSemanticModel(s.Tree)));

        private static string Where(string path, SyntaxNode node) => $"{path.Replace('\\', '/')}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";

        // Only these nodes are bound (binding every node of the sources takes half a minute here).
        private static bool MayBeRegex(SyntaxNode node) => node switch
        {
            ImplicitObjectCreationExpressionSyntax => true,
            ObjectCreationExpressionSyntax created => created.Type.ToString().EndsWith("Regex", StringComparison.Ordinal),
            InvocationExpressionSyntax call => Called(call) is "IsMatch" or "Match" or "Matches" or "Replace" or "Split" or "Count" or "EnumerateMatches" or "EnumerateSplits",
            _ => false,
        };

        private static string? Called(InvocationExpressionSyntax call) => call.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.Text,
            SimpleNameSyntax name => name.Identifier.Text,
            _ => null,
        };

        private static IEnumerable<IMethodSymbol> Candidates(SemanticModel model, InvocationExpressionSyntax call)
        {
            var info = model.GetSymbolInfo(call);
            return (info.Symbol is { } bound ? new[] { bound } : info.CandidateSymbols.ToArray()).OfType<IMethodSymbol>();
        }

        // Bound: an overload with a JsonTypeInfo or JsonSerializerContext parameter. Not bound
        // (the context's generated members are missing here): an argument names a context type.
        private static bool IsSourceGenerated(SemanticModel model, InvocationExpressionSyntax call) =>
            model.GetSymbolInfo(call).Symbol is IMethodSymbol bound
                ? bound.Parameters.Any(p => IsOrDerives(p.Type, "JsonTypeInfo") || IsOrDerives(p.Type, "JsonSerializerContext"))
                : call.ArgumentList.Arguments.SelectMany(a => a.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
                    .Any(i => model.GetSymbolInfo(i).Symbol is ITypeSymbol type && IsOrDerives(type, "JsonSerializerContext"));

        private static bool IsOrDerives(ITypeSymbol? type, string name)
        {
            for (; type is not null; type = type.BaseType)
            {
                if (type.Name == name && type.ContainingNamespace.ToDisplayString().StartsWith("System.Text.Json", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsJsonContext(TypeDeclarationSyntax type) =>
            type.BaseList?.Types.Any(t => t.Type.ToString() is "JsonSerializerContext" or "System.Text.Json.Serialization.JsonSerializerContext") == true;

        private static bool HasGeneratedRegex(TypeDeclarationSyntax type) =>
            type.Members.Any(m => m.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() is "GeneratedRegex" or "GeneratedRegexAttribute"));

        private static string FullName(TypeDeclarationSyntax type) =>
            string.Join('.', type.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Select(n => n.Name.ToString()).Reverse()
                .Concat(type.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Select(t => t.Identifier.Text).Reverse()));
    }

    public sealed class TheAliases
    {
        public static TheoryData<string> AliasFiles => new(Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, "src", "Cake.MultiArch"), "MultiArchAliases.*.cs").Select(Path.GetFileName).Order()!);

        [Theory]
        [MemberData(nameof(AliasFiles))]
        public void Should_Each_Have_A_Folder_Of_Their_Own_With_A_Runner(string aliasFile)
        {
            // Given: MultiArchAliases.<Alias>.cs
            var alias = aliasFile["MultiArchAliases.".Length..^".cs".Length];

            // When
            var folder = Path.Combine(TestPaths.RepositoryRoot, "src", "Cake.MultiArch", alias);

            // Then
            Assert.True(File.Exists(Path.Combine(folder, alias + "Runner.cs")), $"{aliasFile}: expected src/Cake.MultiArch/{alias}/{alias}Runner.cs");
        }

        [Fact]
        public void Should_Import_The_Namespaces_Of_Their_Folders()
        {
            // Given: every [CakeMethodAlias] and the namespace of the settings or result it takes
            var aliases = typeof(MultiArchAliases).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .Where(m => m.GetCustomAttribute<CakeMethodAliasAttribute>() is not null)
                .ToArray();

            // When: the namespace of the runner it builds (Cake.MultiArch.<Folder>) must be imported by the alias
            var offenders = aliases
                .Where(m => !m.GetCustomAttributes<CakeNamespaceImportAttribute>().Any(a => a.Namespace.StartsWith("Cake.MultiArch.", StringComparison.Ordinal)))
                .Select(m => m.Name)
                .ToArray();

            // Then
            Assert.NotEmpty(aliases);
            Assert.Empty(offenders);
        }
    }

    public sealed class TheRunners
    {
        private static readonly Type[] Shape = [typeof(IFileSystem), typeof(ICakeEnvironment), typeof(IProcessRunner), typeof(IToolLocator), typeof(ICakeLog)];

        public static TheoryData<string> RunnerNames => new(RunnerTypes().Select(t => t.FullName!));

        [Fact]
        public void Should_Exist_One_Per_Alias_Folder()
        {
            // Given / When
            var folders = RunnerTypes().Select(t => t.Namespace!["Cake.MultiArch.".Length..]).ToArray();

            // Then: a runner lives in the folder of its alias, named after it
            Assert.All(RunnerTypes(), t => Assert.Equal(t.Namespace!["Cake.MultiArch.".Length..] + "Runner", t.Name));
            Assert.Equal(folders.Length, folders.Distinct().Count());
        }

        [Theory]
        [MemberData(nameof(RunnerNames))]
        public void Should_Have_One_Public_Constructor_From_A_Cake_Contexts_Parts(string runner)
        {
            // Given
            var type = Addin.GetType(runner)!;

            // When
            var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);

            // Then
            var constructor = Assert.Single(constructors);
            Assert.Equal(Shape, constructor.GetParameters().Select(p => p.ParameterType));
        }

        private static IEnumerable<Type> RunnerTypes() =>
            Addin.GetExportedTypes().Where(t => t.Name.EndsWith("Runner", StringComparison.Ordinal) && !t.IsAbstract).OrderBy(t => t.FullName, StringComparer.Ordinal);
    }

    public sealed class TheRepository
    {
        [Fact]
        public void Should_Not_Read_Anything_Outside_Itself()
        {
            // Given: a clone of this repository alone must build and test (the fixtures are in it)
            var outside = string.Concat("..", "/", "shared");
            string[] roots = ["tests", ".ci", "build", "src", "examples"];

            // When
            var offenders = roots
                .Select(r => Path.Combine(TestPaths.RepositoryRoot, r))
                .Where(Directory.Exists)
                .SelectMany(r => Directory.EnumerateFiles(r, "*", SearchOption.AllDirectories))
                .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Where(p => new FileInfo(p).Length < 1_000_000 && File.ReadAllText(p).Contains(outside, StringComparison.Ordinal))
                .Select(p => Path.GetRelativePath(TestPaths.RepositoryRoot, p))
                .ToArray();

            // Then
            Assert.Empty(offenders);
        }
    }
}
