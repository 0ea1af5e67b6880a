#!/usr/bin/perl
# The test bed's BuildKit proxy (test bed only; never part of the addin).
#
# dockerd serves its embedded BuildKit's gRPC control API on its own socket after an HTTP upgrade
# (POST /grpc, Connection: Upgrade, Upgrade: h2c -> 101 Switching Protocols); that is how buildx's
# docker driver talks to it. This proxy makes that BuildKit reachable as a plain TCP endpoint,
# which buildx's remote driver (tcp://127.0.0.1:PORT) and the stand-in builder image's
# `buildctl dial-stdio` (busybox nc) then use: per accepted connection it opens the docker socket,
# sends the upgrade request, reads up to the blank line after the 101, and copies bytes both ways.
#
# usage: buildkit-proxy.pl [--socket PATH] [--pid-file PATH] 127.0.0.1:PORT [127.0.0.1:PORT ...]
#        buildkit-proxy.pl --check 127.0.0.1:PORT    (exit 0 when BuildKit's gRPC server answers
#                                                     there: its HTTP/2 SETTINGS frame comes back)
# Loopback addresses only (127.0.0.0/8): the engine's BuildKit gets no authentication here.
# Only perl-base modules are used, so any Debian machine runs it as is.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Socket::UNIX;
use IO::Select;
use POSIX qw(strftime);
use Socket qw(SOCK_STREAM SHUT_WR);

my $socket_path = '/var/run/docker.sock';
my ($pid_file, $check);
my @listen;
while (@ARGV) {
  my $a = shift @ARGV;
  if ($a eq '--socket') { $socket_path = shift @ARGV // die "--socket needs a path\n"; }
  elsif ($a eq '--pid-file') { $pid_file = shift @ARGV // die "--pid-file needs a path\n"; }
  elsif ($a eq '--check') { $check = 1; }
  elsif ($a =~ /^(127\.\d+\.\d+\.\d+):(\d+)$/) { push @listen, [$1, $2]; }
  else { die "not a loopback address:port: $a (usage: $0 [--socket PATH] 127.0.0.1:PORT ...)\n"; }
}
@listen or die "usage: $0 [--socket PATH] [--pid-file PATH] 127.0.0.1:PORT [127.0.0.1:PORT ...]\n";
exit(check(@listen)) if $check;

$| = 1;
sub say_log { print strftime('%Y-%m-%dT%H:%M:%S', localtime), " [$$] @_\n"; }

my @servers;
for my $l (@listen) {
  my $s = IO::Socket::INET->new(LocalAddr => $l->[0], LocalPort => $l->[1], Proto => 'tcp',
                                Type => SOCK_STREAM, Listen => 64, ReuseAddr => 1)
    or die "cannot listen on $l->[0]:$l->[1]: $!\n";
  push @servers, $s;
  say_log("listening on $l->[0]:$l->[1] -> $socket_path (POST /grpc, Upgrade: h2c)");
}
if ($pid_file) {
  open(my $fh, '>', $pid_file) or die "cannot write $pid_file: $!\n";
  print $fh "$$\n";
  close $fh;
}
$SIG{CHLD} = 'IGNORE';    # children are reaped by the kernel
$SIG{PIPE} = 'IGNORE';
$SIG{TERM} = sub { say_log('stopping'); exit 0; };

my $accept = IO::Select->new(@servers);
while (1) {
  my @ready = $accept->can_read;
  for my $server (@ready) {
    my $client = $server->accept or next;
    my $pid = fork;
    if (!defined $pid) { say_log("fork failed: $!"); close $client; next; }
    if ($pid) { close $client; next; }
    my $port = $server->sockport;
    close $_ for @servers;
    exit(serve($client, $port));
  }
}

sub serve {
  my ($client, $port) = @_;
  my $peer = $client->peerhost . ':' . $client->peerport;
  my $engine = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $socket_path);
  if (!$engine) { say_log("$peer -> :$port: cannot open $socket_path: $!"); return 1; }
  my $request = "POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
  syswrite_all($engine, $request) or do { say_log("$peer: writing the upgrade request: $!"); return 1; };
  # Read the response head byte by byte: whatever follows the blank line is already gRPC.
  my $head = '';
  while ($head !~ /\r?\n\r?\n\z/) {
    my $n = sysread($engine, my $byte, 1);
    if (!$n) { say_log("$peer: the engine closed the socket before the upgrade answer"); return 1; }
    $head .= $byte;
    if (length $head > 16384) { say_log("$peer: upgrade answer too long"); return 1; }
  }
  my ($status) = $head =~ /^(HTTP\/1\.[01] \d+[^\r\n]*)/;
  if (!$status || $status !~ / 101 /) {
    say_log("$peer: the engine did not switch protocols: " . ($status // $head));
    return 1;
  }
  say_log("$peer -> :$port: upgraded");
  pump($client, $engine);
  return 0;
}

# Copy bytes both ways until both directions have ended; an end of one direction is passed on
# as a half-close (shutdown SHUT_WR), as gRPC over h2c expects.
sub pump {
  my ($a, $b) = @_;
  my %peer = (fileno($a) => $b, fileno($b) => $a);
  my $sel = IO::Select->new($a, $b);
  while ($sel->count) {
    for my $from ($sel->can_read) {
      my $to = $peer{fileno $from};
      my $n = sysread($from, my $buf, 65536);
      if (!$n) {
        shutdown($to, SHUT_WR);
        $sel->remove($from);
        next;
      }
      if (!syswrite_all($to, $buf)) { return; }
    }
  }
}

sub syswrite_all {
  my ($fh, $data) = @_;
  my $off = 0;
  while ($off < length $data) {
    my $w = syswrite($fh, $data, length($data) - $off, $off);
    return 0 unless defined $w;
    $off += $w;
  }
  return 1;
}

# --check: connect, send the HTTP/2 client preface and an empty SETTINGS frame, and expect the
# server's first frame to be SETTINGS (type 4): proxy, docker socket, upgrade and BuildKit's gRPC
# server all answered.
sub check {
  my $failed = 0;
  for my $l (@_) {
    my $what = "$l->[0]:$l->[1]";
    my $ok = eval {
      local $SIG{ALRM} = sub { die "no answer within 5 s\n" };
      alarm 5;
      my $s = IO::Socket::INET->new(PeerAddr => $l->[0], PeerPort => $l->[1], Proto => 'tcp')
        or die "cannot connect: $!\n";
      syswrite_all($s, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" . "\0\0\0\x04\0\0\0\0\0") or die "write: $!\n";
      my $frame = '';
      while (length $frame < 9) {
        my $n = sysread($s, $frame, 9 - length $frame, length $frame);
        die "connection closed before an HTTP/2 frame came back\n" unless $n;
      }
      alarm 0;
      my $type = ord(substr($frame, 3, 1));
      die sprintf("first frame has type %d, not SETTINGS (4)\n", $type) unless $type == 4;
      1;
    };
    alarm 0;
    if ($ok) { print "buildkit-proxy: $what answers (BuildKit gRPC over h2c)\n"; }
    else { print "buildkit-proxy: $what does not answer: $@"; $failed = 1; }
  }
  return $failed;
}
