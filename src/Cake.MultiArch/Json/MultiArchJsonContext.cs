using System.Text.Json;
using System.Text.Json.Serialization;
using Cake.MultiArch.Cosign;
using Cake.MultiArch.Publishing;
using Cake.MultiArch.Registry;

namespace Cake.MultiArch.Json;

/// <summary>
/// Every type the addin reads or writes with <see cref="JsonSerializer"/>, as source-generated
/// metadata: no reflection, no run-time code generation, nothing built before a document is read.
/// The options are <see cref="JsonSerializer"/>'s defaults (names as the models' <c>[JsonPropertyName]</c>
/// spell them, case-sensitive, nulls written, compact), which every call site used before.
/// </summary>
[JsonSourceGenerationOptions]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(RegistryErrors))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(PublishRecord.Dto))]
[JsonSerializable(typeof(CosignRegistryConfig.DockerConfigFile))]
internal sealed partial class MultiArchJsonContext : JsonSerializerContext;
