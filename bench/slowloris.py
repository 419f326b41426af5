"""Do slow clients take the site down? 20 slowloris connections, and real requests beside them.

Run against `make stack`:

    .venv/bin/python bench/slowloris.py            # nginx, then one bare gunicorn node
    .venv/bin/python bench/slowloris.py --seconds 30 --connections 50

A slowloris connection sends a request's headers a byte at a time and never finishes them. Each
one holds whatever reads it: behind nginx that is one nginx connection (a few kB, and
client_header_timeout drops it after 10 s); on a bare gunicorn node with 5 sync workers it is one
of the 5 workers, so 5 such clients stop the node until gunicorn's 30 s timeout kills the workers.

For each target the script first times GET /healthz and GET /kk/ alone, then with the slow
connections open, and prints how many were answered, how many timed out, and the latencies.
It REPORTS and always exits 0. The second target is one of the stack's own nodes (it is a bare
gunicorn); it is unusable for the length of that phase and recovers by itself afterwards.

Stdlib only: sockets and threads.
"""

import argparse
import http.client
import os
import socket
import statistics
import threading
import time

HTTP_PORT = int(os.environ.get("STACK_HTTP_PORT", "8080"))
NODE_PORT = int(os.environ.get("STACK_NODE_PORTS", "8101 8102").split()[0])
PATHS = ["/healthz", "/kk/"]


class SlowClient(threading.Thread):
    """Keeps one connection busy sending an endless request header, reconnecting when dropped."""

    def __init__(self, port: int, stop: threading.Event, byte_interval: float):
        super().__init__(daemon=True)
        self.port, self.stop, self.byte_interval = port, stop, byte_interval
        self.connects = 0
        self.dropped = 0  # times the server closed the connection on us

    def run(self):
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                    self.connects += 1
                    sock.sendall(b"GET /kk/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    while not self.stop.is_set():
                        for byte in b"X-Slow: a\r\n":
                            if self.stop.wait(self.byte_interval):
                                return
                            sock.sendall(bytes([byte]))
                        if self.server_gave_up(sock):
                            raise ConnectionError
            except OSError:
                self.dropped += 1
                self.stop.wait(0.2)

    @staticmethod
    def server_gave_up(sock: socket.socket) -> bool:
        """The server answered (a 408) or closed the connection: recv() has something to return."""
        sock.setblocking(False)
        try:
            sock.recv(4096)
            return True
        except BlockingIOError:
            return False
        finally:
            sock.setblocking(True)


def timed_requests(port: int, seconds: float, timeout: float) -> dict[str, list]:
    """GET each path in turn for `seconds`; latency in ms per answer, None per failure."""
    results: dict[str, list] = {path: [] for path in PATHS}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in PATHS:
            started = time.monotonic()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                connection.request("GET", path, headers={"Host": "127.0.0.1"})
                status = connection.getresponse().status
                connection.close()
                results[path].append((time.monotonic() - started) * 1000 if status < 500 else None)
            except OSError:
                results[path].append(None)
        time.sleep(0.1)
    return results


def report(label: str, results: dict[str, list]) -> None:
    for path, values in results.items():
        answered = [value for value in values if value is not None]
        failed = len(values) - len(answered)
        if answered:
            ordered = sorted(answered)
            p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
            figures = (
                f"median {statistics.median(ordered):7.1f} ms, p95 {p95:7.1f} ms, max {ordered[-1]:7.1f} ms"
            )
        else:
            figures = "no answer at all"
        print(
            f"  {label:<22} {path:<9} {len(answered):3}/{len(values):<3} answered, {failed:3} failed;  {figures}"
        )


def phase(name: str, port: int, connections: int, seconds: float, timeout: float, byte_interval: float):
    print(f"\n{name} (port {port})")
    report("alone", timed_requests(port, min(5.0, seconds), timeout))
    stop = threading.Event()
    clients = [SlowClient(port, stop, byte_interval) for _ in range(connections)]
    for client in clients:
        client.start()
    time.sleep(1.0)  # let them connect and start dribbling
    results = timed_requests(port, seconds, timeout)
    stop.set()
    report(f"with {connections} slowloris", results)
    connects = sum(client.connects for client in clients)
    dropped = sum(client.dropped for client in clients)
    print(f"  slow connections: {connects} opened, {dropped} closed by the server during the phase")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each attack phase")
    parser.add_argument("--timeout", type=float, default=5.0, help="a timed request fails after this")
    parser.add_argument("--byte-interval", type=float, default=0.5, help="seconds between header bytes")
    parser.add_argument("--nginx-only", action="store_true", help="skip the bare gunicorn node")
    options = parser.parse_args()
    try:
        socket.create_connection(("127.0.0.1", HTTP_PORT), timeout=2).close()
    except OSError:
        print(
            f"nothing listens on 127.0.0.1:{HTTP_PORT}; start the stack with `make stack`. Nothing measured."
        )
        return
    args = (options.connections, options.seconds, options.timeout, options.byte_interval)
    phase("nginx in front of two gunicorn nodes", HTTP_PORT, *args)
    if not options.nginx_only:
        phase("one bare gunicorn node (5 sync workers)", NODE_PORT, *args)
        print("\n  (the node's workers stuck on slow clients are killed by gunicorn's timeout and restarted)")


if __name__ == "__main__":
    main()
