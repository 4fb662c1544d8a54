"""A quick correctness check of every peer before it is measured: a server that answers wrongly
must not appear in a table. Each check is one short blocking exchange over loopback, bounded by
a timeout; it returns None when the answer is right, or a one-line reason."""

import socket
import struct
import zlib

TIMEOUT_S = 10
FRAME_MAGIC, FRAME_VERSION, FRAME_ECHO, FRAME_ECHO_REPLY = 0x424D, 1, 3, 4


def _recv_exactly(sock, n):
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise ConnectionError(f"closed after {len(out)} of {n} bytes")
        out += chunk
    return out


def _frame(cmd, body):
    head = struct.pack(">HBHI", FRAME_MAGIC, FRAME_VERSION, cmd, len(body))
    return head + struct.pack(">I", zlib.crc32(head + body)) + body


def check_echo(port):
    """64 KiB in pieces of every size: every byte must come back, in order."""
    data = bytes((i * 7 + i // 251) & 0xFF for i in range(65536))
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        off, step = 0, 1
        while off < len(data):
            piece = data[off:off + step]
            s.sendall(piece)
            if _recv_exactly(s, len(piece)) != piece:
                return f"echo: the bytes at {off}..{off + len(piece)} came back different"
            off, step = off + len(piece), step * 2
    return None


def check_http(port):
    """Two pipelined GET /plaintext: two 200s with body "Hello, World!", in one stream."""
    req = b"GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        s.sendall(req * 2)
        buf = b""
        for k in range(2):
            while b"\r\n\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    return f"http: closed before response {k + 1}"
                buf += chunk
            head, _, buf = buf.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            if not lines[0].startswith("HTTP/1.1 200"):
                return f"http: status line {lines[0]!r}"
            length = [int(l.split(":", 1)[1]) for l in lines[1:] if l.lower().startswith("content-length:")]
            if not length:
                return "http: no Content-Length"
            while len(buf) < length[0]:
                buf += s.recv(4096)
            body, buf = buf[:length[0]], buf[length[0]:]
            if body != b"Hello, World!":
                return f"http: body {body!r}"
    return None


def check_frame(port):
    """Two ECHO frames in one write, one of them split: two ECHO_REPLY frames with the same
    bodies and a correct crc32."""
    bodies = [b"ringwire" * 16, bytes(range(256)) * 3]
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        stream = b"".join(_frame(FRAME_ECHO, b) for b in bodies)
        s.sendall(stream[:20])
        s.sendall(stream[20:])
        for body in bodies:
            head = _recv_exactly(s, 13)
            magic, version, cmd, length, crc = struct.unpack(">HBHII", head)
            got = _recv_exactly(s, length)
            if (magic, version, cmd) != (FRAME_MAGIC, FRAME_VERSION, FRAME_ECHO_REPLY):
                return f"frame: header magic={magic:#x} version={version} cmd={cmd}"
            if zlib.crc32(head[:9] + got) != crc:
                return "frame: bad crc32 in the reply"
            if got != body:
                return "frame: the reply's body differs"
    return None


CHECKS = {"echo": check_echo, "http": check_http, "frame": check_frame}


def check(proto, port):
    """Runs the check for `proto` against 127.0.0.1:`port`; None if right, else why not."""
    try:
        return CHECKS[proto](port)
    except (OSError, ConnectionError, struct.error, ValueError) as e:
        return f"{proto}: {type(e).__name__}: {e}"
