"""A user's own settings: what anyone signed in may change about themselves."""

from __future__ import annotations

from leadsmanager.application.ports import UnitOfWork, UnitOfWorkFactory
from leadsmanager.application.transactions import in_transaction
from leadsmanager.domain.actor import Actor
from leadsmanager.domain.errors import NotFound, PermissionDenied
from leadsmanager.domain.language import parse_language
from leadsmanager.domain.user import User


class Profile:
    """Each use case here is one transaction on the acting user's own record."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def get(self, *, by: Actor) -> User:
        with self._uow() as uow:
            return _own(uow, by)

    def choose_language(self, language: str, *, by: Actor) -> User:
        """`language` for their pages, or "" to follow the deployment's."""
        code = parse_language(language) if language.strip() else None

        def choose(uow: UnitOfWork) -> User:
            user = _own(uow, by)
            user.language = code
            uow.users.save(user)
            return user

        return in_transaction(self._uow, choose)


def _own(uow: UnitOfWork, actor: Actor) -> User:
    if actor.user_id is None:
        raise PermissionDenied("only a signed-in person has a profile")
    user = uow.users.get(actor.user_id)
    if user is None:
        raise NotFound(f"user {actor.user_id} was not found")
    return user
