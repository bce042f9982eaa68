"""The tests' Redis cache: ``clear()`` empties this process's keys only.

Django's ``RedisCache.clear()`` flushes the whole Redis database, which the other
pytest-xdist worker's cache shares (each keeps to its own key prefix): a test
clearing its cache would wipe a count another test is in the middle of.
"""

from django.core.cache.backends.redis import RedisCache


class ProcessRedisCache(RedisCache):
    def clear(self):
        client = self._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=self.make_key("*"), count=1000))
        if keys:
            client.delete(*keys)
        return True
