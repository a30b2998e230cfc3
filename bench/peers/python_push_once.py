"""The peer a Python user would pick: prometheus_client, one push for the whole file.

Usage: python3 python_push_once.py <csv> <gateway> <job> <metric>
"""
import csv
import sys

from prometheus_client import CollectorRegistry, Gauge, push_to_gateway


def main() -> None:
    path, gateway, job, metric = sys.argv[1:5]
    registry = CollectorRegistry()
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        gauge = Gauge(metric, "One sample of value 1 per CSV row.", header, registry=registry)
        for row in reader:
            if len(row) != len(header):
                continue
            gauge.labels(*row).set(1)
    push_to_gateway(gateway, job=job, registry=registry)


if __name__ == "__main__":
    main()
