"""Argon2id hashing of full tokens.

The profile is chosen for what is being hashed. A Keyward secret is 160 bits from the OS
random source, not a password: nobody can guess it, so the memory-hard cost that protects
low-entropy passwords buys almost nothing against brute force. What the hash must do is keep
a leaked database from being usable as it stands (only the hash is stored) and stay cheap
enough that verification does not become the bottleneck. We therefore take OWASP's minimum
argon2id profile (m = 19 MiB, t = 2, p = 1: about 50 ms on this 2-core machine class)
instead of RFC 9106's low-memory profile (64 MiB, t = 3: about 200 ms), and serve repeated
verifications of an already verified token from an in-process cache (see the verifier).

Every encoded hash carries its parameters, so a later release can raise them: a
successful verification of an older hash rehashes it (:meth:`TokenHasher.needs_rehash`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from argon2 import PasswordHasher


@dataclass(frozen=True, slots=True)
class Argon2Profile:
    name: str
    memory_cost_kib: int
    time_cost: int
    parallelism: int


#: The production profile (see the module docstring for the reasoning).
STANDARD = Argon2Profile("standard", memory_cost_kib=19 * 1024, time_cost=2, parallelism=1)
#: The cheapest argon2id allows; for unit tests and benchmark seeding only.
FAST_FOR_TESTS = Argon2Profile("fast-for-tests", memory_cost_kib=8, time_cost=1, parallelism=1)

PROFILES = {profile.name: profile for profile in (STANDARD, FAST_FOR_TESTS)}


class TokenHasher:
    """Hashes and checks full tokens with one argon2id profile.

    argon2 is loaded on first use, and the reference hash for unknown ids made by
    :meth:`prepare` (or the first :meth:`burn_dummy`): a console that only browses keys never
    pays for either (the STANDARD profile's hash takes 50 ms and 19 MiB at its peak). A
    verifier prepares its hasher when it is made, so that every check, the first included,
    costs one argon2 verification whether or not the id exists.
    """

    def __init__(self, profile: Argon2Profile = STANDARD) -> None:
        self.profile = profile
        self._argon2: PasswordHasher | None = None
        self._dummy_hash: str | None = None

    def _hasher(self) -> PasswordHasher:
        if self._argon2 is None:
            from argon2 import PasswordHasher
            from argon2.low_level import Type

            self._argon2 = PasswordHasher(
                time_cost=self.profile.time_cost,
                memory_cost=self.profile.memory_cost_kib,
                parallelism=self.profile.parallelism,
                hash_len=32,
                salt_len=16,
                type=Type.ID,
            )
        return self._argon2

    def prepare(self) -> None:
        """Make the reference hash now (a verifier's first check must not make it)."""
        self._dummy()

    def _dummy(self) -> str:
        # Unknown ids are checked against this, so that they cost as much as a wrong secret.
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher().hash("keyward-dummy-token-for-constant-time-rejects")
        return self._dummy_hash

    def hash(self, token: str) -> str:
        return self._hasher().hash(token)

    def verify(self, encoded_hash: str, token: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

        try:
            return self._hasher().verify(encoded_hash, token)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def burn_dummy(self, token: str) -> None:
        """Spend the time a real check would take, for an id that does not exist."""
        self.verify(self._dummy(), token)

    def needs_rehash(self, encoded_hash: str) -> bool:
        """Whether a stored hash is weaker than this profile (never true for a stronger one).

        Only upwards: a process configured with a cheaper profile (a test, a benchmark) must
        not quietly rewrite production hashes downwards.
        """
        from argon2 import extract_parameters
        from argon2.exceptions import InvalidHashError
        from argon2.low_level import Type

        try:
            stored = extract_parameters(encoded_hash)
        except InvalidHashError:
            return True
        return (
            stored.type is not Type.ID
            or stored.memory_cost < self.profile.memory_cost_kib
            or stored.time_cost < self.profile.time_cost
        )
