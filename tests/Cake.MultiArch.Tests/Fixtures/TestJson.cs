using System.Text;
using System.Text.Json;

namespace Cake.MultiArch.Tests.Fixtures;

/// <summary>
/// JSON text the tests write without reflection (the test process runs with
/// <c>JsonSerializerIsReflectionEnabledByDefault=false</c>, so a reflection-based
/// <see cref="JsonSerializer"/> call in the addin fails loudly): the same bytes
/// <see cref="JsonSerializer"/>'s defaults write.
/// </summary>
internal static class TestJson
{
    /// <summary>A string as a JSON string literal, escaped as <see cref="JsonSerializer"/> escapes it.</summary>
    public static string Quote(string value) => Write(w => w.WriteStringValue(value));

    /// <summary>A JSON value on one line (no indentation), as <see cref="JsonSerializer"/> writes a <see cref="JsonElement"/>.</summary>
    public static string Compact(JsonElement value) => Write(value.WriteTo);

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
