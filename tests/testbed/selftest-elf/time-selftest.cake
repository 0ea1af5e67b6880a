// Measures what the self-test adds to a warm RegisterQemu (nothing to register) for two foreign
// platforms, and prints the doctor table (CheckOnly) of this machine. Run as root after a build:
//   dotnet cake tests/testbed/selftest-elf/time-selftest.cake [--rounds=20]
// Host mode, so no installer image is needed; the test bed registers arm64 and arm.
#r "../../../src/Cake.MultiArch/bin/Debug/net10.0/Cake.MultiArch.dll"
using System.Diagnostics;
using Cake.MultiArch.RegisterQemu;

var rounds = Argument("rounds", 20);
RegisterQemuSettings Settings(bool selfTest) => new() { Mode = QemuRegistrationMode.Host, SelfTest = selfTest, Platforms = { "linux/arm64", "linux/arm/v7" } };
var runner = new RegisterQemuRunner(Context.FileSystem, Context.Environment, Context.ProcessRunner, Context.Tools, new NullLog());

double Median(bool selfTest)
{
    var times = new List<double>();
    for (var i = 0; i < rounds; i++)
    {
        var clock = Stopwatch.StartNew();
        runner.Run(Settings(selfTest));
        times.Add(clock.Elapsed.TotalMilliseconds);
    }

    times.Sort();
    return times[times.Count / 2];
}

Median(true); // warm: JIT, page cache
var without = Median(false);
var with = Median(true);
Information("warm RegisterQemu, linux/arm64 + linux/arm/v7, median of {0}: without self-test {1:0.0} ms, with {2:0.0} ms, added {3:0.0} ms (load average {4})",
    rounds, without, with, with - without, System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[0]);

var doctor = RegisterQemu(new RegisterQemuSettings { CheckOnly = true, Platforms = { "linux/amd64", "linux/386", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/riscv64", "linux/ppc64le", "linux/s390x" } });
Information("doctor table:{0}{1}", System.Environment.NewLine, doctor.Table);
