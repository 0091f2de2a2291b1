"""The automatic responder's Lambda code (`handler.py`, boto3 only), shipped with the package."""

from pathlib import Path

#: The folder the Lambda function's code archive is made of.
CODE_DIR = Path(__file__).parent
HANDLER = "handler.handler"
