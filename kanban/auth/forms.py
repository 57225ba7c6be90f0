from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=[], validators=[Optional()])
    first_on_agenda = RadioField(
        _l("First on your agenda and on the board sorted by priority"),
        choices=[
            SelectChoice("clients", _l("My clients: I look after accounts (farmer)")),
            SelectChoice("prospects", _l("My prospects: I find new business (hunter)")),
        ],
        default="clients",
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"), validators=[
            DataRequired(), Length(min=8, max=200, message=_l("Use 8 to 200 characters."))]
    )


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=120)])
