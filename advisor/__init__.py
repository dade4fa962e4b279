"""Model Advisor: rank local open-weight and hosted API language models under one set of constraints."""

__version__ = "0.1.0"
APP_NAME = "Model Advisor"
APP_ID = "io.github.modeladvisor.ModelAdvisor"
