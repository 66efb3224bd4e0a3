"""Addresses of the core app.

``account_urls`` live at the root; ``organisation_urls`` under ``/o/<org>/``, where the
OrganisationMiddleware resolves the organisation before any view runs.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from vitrina.core.views import auth, organisation, profile

account_urls = [
    path("", auth.home, name="home"),
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/reset/",
        auth.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "accounts/password/change/",
        auth.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="core/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/profile/", profile.profile, name="profile"),
    path("accounts/tokens/", profile.api_token_create, name="api-token-create"),
    path(
        "accounts/tokens/<int:token_id>/revoke/", profile.api_token_revoke, name="api-token-revoke"
    ),
    path("language/", auth.set_language, name="set-language"),
    path("invite/<str:token>/", auth.invitation_accept, name="invitation-accept"),
]

organisation_urls = [
    path("", auth.organisation_home, name="organisation-home"),
    path("settings/", organisation.settings_home, name="settings-home"),
    path("settings/libraries/", organisation.library_list, name="library-list"),
    path("settings/libraries/new/", organisation.library_edit, name="library-create"),
    path("settings/libraries/<int:library_id>/", organisation.library_edit, name="library-edit"),
    path(
        "settings/libraries/<int:library_id>/archive/",
        organisation.library_archive,
        name="library-archive",
    ),
    path("settings/people/", organisation.member_list, name="member-list"),
    path("settings/people/<int:member_id>/", organisation.member_edit, name="member-edit"),
    path(
        "settings/people/<int:member_id>/access/",
        organisation.member_set_active,
        name="member-set-active",
    ),
    path("settings/invitations/new/", organisation.invitation_create, name="invitation-create"),
    path(
        "settings/invitations/<int:invitation_id>/revoke/",
        organisation.invitation_revoke,
        name="invitation-revoke",
    ),
    path("settings/audit/", organisation.audit_log, name="audit-log"),
]
