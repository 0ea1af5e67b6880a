using System.Globalization;

namespace Cake.MultiArch.EnsureBuilder;

/// <summary>How the kubernetes driver spreads builds over a node's BuildKit pods (<c>loadbalance</c>).</summary>
public enum KubernetesLoadBalance
{
    /// <summary><c>sticky</c>: the same context goes to the same pod (buildx's default), so its cache is reused.</summary>
    Sticky,

    /// <summary><c>random</c>: each build goes to any pod.</summary>
    Random,
}

/// <summary>
/// The kubernetes driver's options (BuildKit pods in a cluster), typed; each set property becomes one
/// <c>--driver-opt key=value</c> of <c>docker buildx create</c> (buildx <c>driver/kubernetes/factory.go</c>).
/// </summary>
public sealed class KubernetesDriverOptions
{
    /// <summary>Gets or sets the namespace of the BuildKit deployment (<c>namespace</c>). Default: unset (the kubeconfig's namespace).</summary>
    public string? Namespace { get; set; }

    /// <summary>Gets or sets the number of BuildKit pods (<c>replicas</c>). Default: unset (1).</summary>
    public int? Replicas { get; set; }

    /// <summary>
    /// Gets the node selector of the pods (<c>nodeselector=k=v,k=v</c>), such as
    /// <c>kubernetes.io/arch=arm64</c> to pin a node to the cluster's arm64 machines.
    /// </summary>
    public IDictionary<string, string> NodeSelector { get; private set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the CPU each pod requests (<c>requests.cpu</c>), such as <c>500m</c>.</summary>
    public string? RequestsCpu { get; set; }

    /// <summary>Gets or sets the memory each pod requests (<c>requests.memory</c>), such as <c>1Gi</c>.</summary>
    public string? RequestsMemory { get; set; }

    /// <summary>Gets or sets each pod's CPU limit (<c>limits.cpu</c>).</summary>
    public string? LimitsCpu { get; set; }

    /// <summary>Gets or sets each pod's memory limit (<c>limits.memory</c>).</summary>
    public string? LimitsMemory { get; set; }

    /// <summary>Gets or sets a value indicating whether BuildKit runs rootless (<c>rootless</c>; buildx then picks the rootless image unless <see cref="Image"/> is set).</summary>
    public bool? Rootless { get; set; }

    /// <summary>Gets or sets how builds are spread over the pods (<c>loadbalance</c>). Default: unset (sticky).</summary>
    public KubernetesLoadBalance? LoadBalance { get; set; }

    /// <summary>Gets or sets the BuildKit image (<c>image</c>), such as a mirror of <c>moby/buildkit:buildx-stable-1</c>.</summary>
    public string? Image { get; set; }

    /// <summary>Makes an independent copy (the node selector too).</summary>
    /// <returns>The copy.</returns>
    public KubernetesDriverOptions Copy()
    {
        var copy = (KubernetesDriverOptions)MemberwiseClone();
        copy.NodeSelector = new Dictionary<string, string>(NodeSelector, StringComparer.Ordinal);
        return copy;
    }

    /// <summary>Gets the <c>--driver-opt</c> pairs, in buildx's option order.</summary>
    /// <returns>The pairs of the properties that are set.</returns>
    public IReadOnlyList<KeyValuePair<string, string>> ToDriverOptions()
    {
        var options = new List<KeyValuePair<string, string>>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                options.Add(new(key, value));
            }
        }

        Add("image", Image);
        Add("namespace", Namespace);
        Add("replicas", Replicas?.ToString(CultureInfo.InvariantCulture));
        Add("requests.cpu", RequestsCpu);
        Add("requests.memory", RequestsMemory);
        Add("limits.cpu", LimitsCpu);
        Add("limits.memory", LimitsMemory);
        Add("rootless", Rootless is { } rootless ? (rootless ? "true" : "false") : null);
        Add("nodeselector", NodeSelector.Count == 0 ? null : string.Join(',', NodeSelector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
        Add("loadbalance", LoadBalance switch { KubernetesLoadBalance.Sticky => "sticky", KubernetesLoadBalance.Random => "random", _ => null });
        return options;
    }

    /// <summary>Gets what is wrong with the options, each as "Kubernetes.X …" text, or none.</summary>
    /// <param name="prefix">The setting's path for messages, such as <c>Kubernetes</c> or <c>AppendNodes[1].Kubernetes</c>.</param>
    /// <returns>The problems.</returns>
    internal IEnumerable<string> Problems(string prefix)
    {
        if (Replicas is < 1)
        {
            yield return $"{prefix}.Replicas is {Replicas}; expected 1 or more BuildKit pods.";
        }

        foreach (var (key, value) in NodeSelector)
        {
            if (string.IsNullOrWhiteSpace(key) || Bad(key) || Bad(value) || value.Length == 0)
            {
                yield return $"{prefix}.NodeSelector entry '{key}={value}' is not a node selector; expected a label key and value without ',', '=', '\"' or spaces, such as 'kubernetes.io/arch=arm64'.";
            }
        }

        foreach (var (name, value) in new[] { ("Namespace", Namespace), ("RequestsCpu", RequestsCpu), ("RequestsMemory", RequestsMemory), ("LimitsCpu", LimitsCpu), ("LimitsMemory", LimitsMemory), ("Image", Image) })
        {
            if (value is not null && (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or '"')))
            {
                yield return $"{prefix}.{name} '{value}' is not a value the kubernetes driver reads; expected no spaces, ',' or '\"' (such as '500m', '1Gi', 'buildkit' or 'mirror.example.com/moby/buildkit:buildx-stable-1').";
            }
        }

        static bool Bad(string text) => text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or '=' or '"');
    }
}
