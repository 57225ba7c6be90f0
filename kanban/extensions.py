"""Flask extensions, created unbound here and bound in the application factory.

``csrf``, ``limiter`` and ``login_manager`` serve requests only: they are made the first time
they are imported (``from kanban.extensions import limiter``), so a command that never serves
a page does not import Flask-WTF, Flask-Limiter and Flask-Login.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from flask_limiter import Limiter
    from flask_login import LoginManager
    from flask_wtf import CSRFProtect

    csrf: CSRFProtect
    limiter: Limiter
    login_manager: LoginManager

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class KanbanSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy, with every model loaded before the whole schema is read or built
    (a command imports only the models it uses: see ``kanban.schema``)."""

    @property
    def metadata(self) -> MetaData:
        from kanban.schema import load_all_models

        load_all_models()
        return super().metadata

    def create_all(self, bind_key: Any = "__all__") -> None:
        from kanban.schema import load_all_models

        load_all_models()
        super().create_all(bind_key)

    def drop_all(self, bind_key: Any = "__all__") -> None:
        from kanban.schema import load_all_models

        load_all_models()
        super().drop_all(bind_key)


db = KanbanSQLAlchemy(model_class=Base)
babel = Babel()


def __getattr__(name: str) -> Any:
    """Make ``csrf``, ``limiter`` or ``login_manager`` on first use, once for the process."""
    if name == "login_manager":
        from flask_login import LoginManager

        extension: Any = LoginManager()
    elif name == "csrf":
        from flask_wtf import CSRFProtect

        extension = CSRFProtect()
    elif name == "limiter":
        from flask_limiter import Limiter
        from flask_limiter.util import get_remote_address

        extension = Limiter(key_func=get_remote_address, default_limits=[])
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = extension
    return extension
