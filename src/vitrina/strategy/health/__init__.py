"""The strategy's health checks: what was planned (the strategy, the rubrics, the answer
target) held against what happened (published posts, the inbox, the analytics), each with
a plain verdict and what to do. ``report.health_report`` runs them all; ``runs`` keeps the
weekly results and sends the digest."""
