"""Answers in, result out: triage (red flags), causes (explainable scores), plan (safe measures)."""
