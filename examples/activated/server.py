#!/usr/bin/env python3
"""A small HTTP daemon written to the socket-activation convention.

Given a socket (LISTEN_PID is this process, LISTEN_FDS at least 1), it
serves on descriptor 3, as systemd, launchd-style wrappers and lsbinit's
LISTEN hand it over; otherwise it binds HOST:PORT (the first argument,
default 127.0.0.1:8080) itself. Every answer names the process: "pid N".

On SIGTERM it stops accepting and answers every connection it accepted
before it exits; connections not yet accepted stay queued in the socket,
for the next daemon to take. With a socket handed down, a restart then
refuses or drops no request.
"""
import http.server
import os
import signal
import socket
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"hello from pid {os.getpid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # one line per request would swamp the log


def handed_socket():
    """The socket handed down by sd_listen_fds(3)'s protocol, or None."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        return None
    if int(os.environ.get("LISTEN_FDS", "0")) < 1:
        return None
    return socket.socket(fileno=3)


def own_socket(addr):
    host, _, port = addr.rpartition(":")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(128)
    return s


def main():
    addr = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8080"
    sock = handed_socket()
    how = "a handed-down socket"
    if sock is None:
        sock, how = own_socket(addr), "its own socket"
    server = http.server.ThreadingHTTPServer(sock.getsockname()[:2], Handler, bind_and_activate=False)
    server.socket = sock
    server.daemon_threads = False  # server_close waits for every answer
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (stop.wait(), server.shutdown()), daemon=True).start()
    print(f"serving on {how} ({sock.getsockname()}), pid {os.getpid()}", flush=True)
    server.serve_forever(poll_interval=0.05)
    server.server_close()  # joins the threads answering accepted requests
    print(f"pid {os.getpid()} stopped", flush=True)


if __name__ == "__main__":
    main()
