#!/usr/bin/python3
"""Writes grafana/dashboards/worthit.json (run from anywhere; the JSON is committed).

One place for the panel list so the dashboard stays reviewable; tests/deploy checks the metric
names it uses against the source."""
import json
import pathlib

DS = {"type": "prometheus", "uid": "prometheus"}

ROWS = [
    ("Webhook (serve)", [
        ("Responses by status /s", "sum by (status) (rate(worthit_webhook_responses_total[$__rate_interval]))", "reqps"),
        ("Webhook latency p50 / p99", [
            ("p50", "histogram_quantile(0.5, sum by (le) (rate(worthit_webhook_request_seconds_bucket[$__rate_interval])))"),
            ("p99", "histogram_quantile(0.99, sum by (le) (rate(worthit_webhook_request_seconds_bucket[$__rate_interval])))"),
        ], "s"),
        ("Updates by kind /s", "sum by (kind) (rate(worthit_webhook_updates_total[$__rate_interval]))", "ops"),
        ("Bot outcomes and dedupe hits /s", [
            ("{{disposition}}", "sum by (disposition) (rate(worthit_bot_outcomes_total[$__rate_interval]))"),
            ("dedupe hits", "sum(rate(worthit_bot_dedupe_hits_total[$__rate_interval]))"),
        ], "ops"),
    ]),
    ("Queue", [
        ("Tasks now", [
            ("ready", "max(worthit_queue_ready)"),
            ("leased", "max(worthit_queue_leased)"),
            ("delayed", "max(worthit_queue_delayed)"),
            ("dead", "max(worthit_queue_dead)"),
        ], "short"),
        ("Oldest ready task age", "max(worthit_queue_oldest_ready_age_seconds)", "s"),
        ("Queue flow /s", [
            ("enqueued", "max(rate(worthit_queue_enqueued_total[$__rate_interval]))"),
            ("acked", "max(rate(worthit_queue_acked_total[$__rate_interval]))"),
            ("retried", "max(rate(worthit_queue_retried_total[$__rate_interval]))"),
            ("dead-lettered", "max(rate(worthit_queue_dead_total[$__rate_interval]))"),
        ], "ops"),
    ]),
    ("Workers", [
        ("Tasks by outcome /s", "sum by (outcome) (rate(worthit_worker_tasks_total[$__rate_interval]))", "ops"),
        ("Stage duration p90", "histogram_quantile(0.9, sum by (le, stage) (rate(worthit_worker_stage_seconds_bucket[$__rate_interval])))", "s"),
        ("In flight / workers up", [
            ("in flight", "sum(worthit_worker_inflight)"),
            ("workers up", "count(up{job=\"worthit-work\"} == 1)"),
        ], "short"),
        ("Cache hits /s", "sum(rate(worthit_cache_hits_total[$__rate_interval]))", "ops"),
    ]),
    ("Telegram and fetching", [
        ("Bot API calls by method, outcome /s", "sum by (method, outcome) (rate(worthit_telegram_calls_total[$__rate_interval]))", "ops"),
        ("429s /s and limiter wait p90", [
            ("429/s", "sum(rate(worthit_telegram_rate_limited_total[$__rate_interval]))"),
            ("limiter wait p90 (s)", "histogram_quantile(0.9, sum by (le) (rate(worthit_limiter_wait_seconds_bucket[$__rate_interval])))"),
        ], "short"),
        ("Bot API latency p90", "histogram_quantile(0.9, sum by (le) (rate(worthit_telegram_request_seconds_bucket[$__rate_interval])))", "s"),
        ("Fetches by outcome /s", "sum by (outcome) (rate(worthit_fetch_total[$__rate_interval]))", "ops"),
        ("Fetch time p50 / p90", [
            ("p50", "histogram_quantile(0.5, sum by (le) (rate(worthit_fetch_seconds_bucket[$__rate_interval])))"),
            ("p90", "histogram_quantile(0.9, sum by (le) (rate(worthit_fetch_seconds_bucket[$__rate_interval])))"),
        ], "s"),
    ]),
]


def main():
    panels, pid, y = [], 1, 0
    for title, row in ROWS:
        panels.append({"type": "row", "id": pid, "title": title, "collapsed": False,
                       "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []})
        pid += 1
        y += 1
        width = 24 // len(row) if len(row) <= 4 else 8
        x = 0
        for ptitle, exprs, unit in row:
            if isinstance(exprs, str):
                exprs = [(None, exprs)]
            targets = []
            for i, (legend, expr) in enumerate(exprs):
                t = {"datasource": DS, "expr": expr, "refId": chr(ord("A") + i)}
                if legend:
                    t["legendFormat"] = legend
                targets.append(t)
            if x + width > 24:
                x, y = 0, y + 8
            panels.append({"type": "timeseries", "id": pid, "title": ptitle, "datasource": DS,
                           "gridPos": {"h": 8, "w": width, "x": x, "y": y}, "targets": targets,
                           "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                           "options": {"legend": {"displayMode": "list", "placement": "bottom"}}})
            pid += 1
            x += width
        y += 8
    dash = {"uid": "worthit", "title": "WorthIt!", "tags": ["worthit"], "timezone": "browser",
            "schemaVersion": 39, "version": 1, "refresh": "30s", "editable": True,
            "time": {"from": "now-6h", "to": "now"}, "panels": panels, "templating": {"list": []},
            "annotations": {"list": []}}
    out = pathlib.Path(__file__).resolve().parent.parent / "grafana" / "dashboards" / "worthit.json"
    out.write_text(json.dumps(dash, indent=2) + "\n")
    print(out)


if __name__ == "__main__":
    main()
