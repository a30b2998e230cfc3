"""The blog article's PrometheusPusher, as csv-push's starting point: the header row gives the
label names, rows with the wrong number of columns are skipped, every row sets one gauge sample
(value 1), and the whole registry is pushed after every row.

Usage: python3 article_pusher.py <csv> <gateway> <job> <metric>
"""
import csv
import sys

from prometheus_client import CollectorRegistry, Gauge, push_to_gateway


class PrometheusPusher:
    def __init__(self, gateway: str, job: str) -> None:
        self.gateway = gateway
        self.job = job
        self.registry = CollectorRegistry()

    def push_csv(self, path: str, metric: str) -> None:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            labels = next(reader)
            gauge = Gauge(metric, "Rows of " + path, labels, registry=self.registry)
            for row in reader:
                if len(row) != len(labels):
                    continue
                gauge.labels(*row).set(1)
                push_to_gateway(self.gateway, job=self.job, registry=self.registry)


if __name__ == "__main__":
    csv_path, gateway_url, job_name, metric_name = sys.argv[1:5]
    PrometheusPusher(gateway_url, job_name).push_csv(csv_path, metric_name)
