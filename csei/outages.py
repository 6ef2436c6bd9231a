"""A database or cache that does not answer: a 503 that says so, not a 500."""

from django.db import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What a backend raises when it cannot be reached, drops the connection or times out. Other
# database errors (an integrity error, bad SQL) are faults in the code and stay 500s.
BACKEND_OUTAGES = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
