"""A hit counter kept in redis: the app of the example image.

Standard library only. On start it asks redis at 127.0.0.1:6379 for a
PING over a raw socket (RESP) and exits 1 at once when redis is not
there, which is what makes its REQUIRED_START=redis matter. Then it
serves HTTP on 127.0.0.1:8000:

  GET /        "hits N" (INCR hits in redis, one per request)
  GET /health  200 when redis answers PING, else 503

and prints one line per request on stdout.
"""

import http.server
import signal
import socket
import sys

REDIS = ("127.0.0.1", 6379)
LISTEN = ("127.0.0.1", 8000)


def redis(*words):
    """Sends one command to redis and returns its one-line reply."""
    parts = ["*%d\r\n" % len(words)]
    for w in words:
        parts.append("$%d\r\n%s\r\n" % (len(w.encode()), w))
    with socket.create_connection(REDIS, timeout=2) as s:
        s.sendall("".join(parts).encode())
        reply = s.makefile("rb").readline().decode().rstrip("\r\n")
    if reply[:1] == "-":
        raise RuntimeError("redis: " + reply[1:])
    return reply[1:]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            try:
                ok = redis("PING") == "PONG"
            except (OSError, RuntimeError):
                ok = False
            self.reply(200 if ok else 503, "ok\n" if ok else "redis is not answering\n")
        elif self.path == "/":
            try:
                self.reply(200, "hits %s\n" % redis("INCR", "hits"))
            except (OSError, RuntimeError) as e:
                self.reply(503, "redis: %s\n" % e)
        else:
            self.reply(404, "not found\n")

    def reply(self, code, body):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        print("%s %s" % (self.address_string(), fmt % args), flush=True)


def stop(signum, frame):
    print("stopping (signal %d)" % signum, flush=True)
    sys.exit(0)


def main():
    try:
        redis("PING")
    except (OSError, RuntimeError) as e:
        print("redis at %s:%d is not there (%s): exiting" % (REDIS + (e,)), file=sys.stderr, flush=True)
        sys.exit(1)
    signal.signal(signal.SIGTERM, stop)
    server = http.server.ThreadingHTTPServer(LISTEN, Handler)
    server.daemon_threads = True
    print("serving on http://%s:%d/, redis at %s:%d" % (LISTEN + REDIS), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
