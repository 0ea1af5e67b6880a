using System.Runtime.InteropServices;

Console.WriteLine($"Hello from {RuntimeInformation.ProcessArchitecture} ({RuntimeInformation.RuntimeIdentifier}, .NET {Environment.Version})");
