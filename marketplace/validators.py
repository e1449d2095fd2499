from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils.translation import ngettext


class MinimumLengthValidatorTranslated(MinimumLengthValidator):
    """Django 5.2's message for a short password is missing from its own Chinese catalogue; this one is
    in ours, so shoppers read it in their language."""

    def get_error_message(self):
        return ngettext(
            "Your password is too short: use at least %(min_length)d character.",
            "Your password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
