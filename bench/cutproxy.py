#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that cuts its first connection after N bytes from the server.

    cutproxy.py LISTEN_PORT TARGET_PORT CUT_BYTES STATS_FILE

Later connections pass everything. Each connection's server-to-client byte count is appended
to STATS_FILE when it closes ("<connection number> <bytes>"). Used by bench/resume.sh.
"""
import socket
import sys
import threading

listen_port, target_port, cut_bytes, stats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lock = threading.Lock()
count = [0]


def pipe(src, dst, limit, counter):
    try:
        while counter[0] < limit:
            data = src.recv(min(65536, limit - counter[0]))
            if not data:
                break
            dst.sendall(data)
            counter[0] += len(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


def serve(client, n):
    upstream = socket.create_connection(("127.0.0.1", target_port))
    down = [0]
    threading.Thread(target=pipe, args=(client, upstream, 1 << 62, [0]), daemon=True).start()
    pipe(upstream, client, cut_bytes if n == 1 else 1 << 62, down)
    with lock, open(stats, "a") as f:
        f.write(f"{n} {down[0]}\n")


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", listen_port))
server.listen(16)
while True:
    c, _ = server.accept()
    with lock:
        count[0] += 1
        n = count[0]
    threading.Thread(target=serve, args=(c, n), daemon=True).start()
