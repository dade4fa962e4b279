"""Memory, speed and cost estimates for running a model on given hardware."""
