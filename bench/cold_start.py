#!/usr/bin/python3
"""Cold start of the webhook handler: process start -> first 200 on the webhook.

Each run starts a fresh `worthit serve` (new DATA_DIR, so SQLite files are created and migrated
as on a new Cloud Run instance; or the Redis queue when --redis-url is given), then POSTs one
update as soon as the port accepts, retrying on connection refused, and records the time from
spawn to the 200. Telegram is a local responder on 127.0.0.1 (answers every Bot API method), so
the "link" update includes the real acknowledgement round trip; BOT_USERNAME is set and
BOT_PUBLISH_COMMANDS=false, so the start itself makes no Bot API call (as recommended for
serverless). Prints one line per run and median / p90 / min / max in milliseconds.

  bench/cold_start.py --binary build/release/src/app/worthit [--runs 20] [--update link|membership]
"""
import argparse
import http.client
import http.server
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SECRET = "cold-start-secret"


class FakeTelegram(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    next_id = 1000

    def do_POST(self):  # noqa: N802 (http.server API)
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        FakeTelegram.next_id += 1
        body = json.dumps({"ok": True, "result": {"message_id": FakeTelegram.next_id, "date": 0,
                                                  "chat": {"id": 1, "type": "private"}, "text": "ok"}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def update(kind, n):
    if kind == "membership":
        return {"update_id": 100 + n, "my_chat_member": {
            "chat": {"id": 5, "type": "private"}, "from": {"id": 5, "is_bot": False, "first_name": "B"}, "date": 0,
            "old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": True, "first_name": "W"}},
            "new_chat_member": {"status": "kicked", "user": {"id": 1, "is_bot": True, "first_name": "W"}}}}
    return {"update_id": 100 + n, "message": {
        "message_id": 10 + n, "date": 0, "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "B", "language_code": "it"},
        "text": "https://www.amazon.it/dp/B0COLD%04d" % n}}


def one_run(args, n, telegram_url):
    port = free_port()
    body = json.dumps(update(args.update, n)).encode()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TELEGRAM_TOKEN": "1:cold",
               "TELEGRAM_API_URL": telegram_url, "BOT_USERNAME": "ColdBot", "BOT_PUBLISH_COMMANDS": "false",
               "WEBHOOK_SECRET": SECRET, "LISTEN_ADDR": "127.0.0.1", "PORT": str(port), "DATA_DIR": data_dir,
               "LOG_LEVEL": "warn", "SHUTDOWN_GRACE_SECONDS": "1"}
        if args.redis_url:
            env["REDIS_URL"] = args.redis_url
            env["STORE_URL"] = "sqlite://" + data_dir + "/bot.db"
            env["REDIS_PREFIX"] = "coldstart%d" % n
        t0 = time.perf_counter()
        proc = subprocess.Popen([args.binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        status, attempts = 0, 0
        try:
            deadline = t0 + 30  # bounded: a start that takes 30 s is a failure, not a sample
            while time.perf_counter() < deadline:
                attempts += 1
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    c.request("POST", "/telegram/webhook", body,
                              {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})
                    status = c.getresponse().status
                    c.close()
                    break
                except (ConnectionRefusedError, ConnectionResetError):
                    if proc.poll() is not None:
                        break
                    time.sleep(0.0005)
            t1 = time.perf_counter()
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        if status != 200:
            sys.exit(f"run {n}: status {status}: {proc.stderr.read().decode()[-2000:]}")
        return (t1 - t0) * 1000, attempts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/release/src/app/worthit")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--update", choices=["link", "membership"], default="link")
    ap.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    args = ap.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeTelegram)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    telegram_url = "http://127.0.0.1:%d" % server.server_address[1]
    samples = []
    for n in range(args.runs):
        ms, attempts = one_run(args, n, telegram_url)
        samples.append(ms)
        print(f"run {n + 1:2d}: {ms:7.1f} ms to the first 200 ({attempts} connect attempts)")
    samples.sort()
    p90 = samples[min(len(samples) - 1, int(round(0.9 * (len(samples) - 1))))]
    print(f"cold start ({args.update} update, {'redis' if args.redis_url else 'sqlite'} queue, {args.runs} runs): "
          f"median {statistics.median(samples):.1f} ms, p90 {p90:.1f} ms, min {samples[0]:.1f} ms, max {samples[-1]:.1f} ms")
    server.shutdown()


if __name__ == "__main__":
    main()
