from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from aftersales.accounts import portal_views, views
from aftersales.accounts.forms import LoginForm, PasswordForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            form_class=PasswordForm, success_url=reverse_lazy("profile")
        ),
        name="password_change",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]

# Customer accounts: sign-up, password reset by code, invitation links; staff invite.
urlpatterns += [
    path("signup/", portal_views.signup_view, name="signup"),
    path("signup/verify/", portal_views.signup_verify, name="signup_verify"),
    path("signup/resend/", portal_views.signup_resend, name="signup_resend"),
    path("reset/", portal_views.reset_view, name="reset"),
    path("reset/verify/", portal_views.reset_verify, name="reset_verify"),
    path("reset/resend/", portal_views.reset_resend, name="reset_resend"),
    path("invite/<str:uidb64>/<str:token>/", portal_views.invitation, name="invitation"),
    path("customers/<int:pk>/invite/", portal_views.portal_invite, name="portal_invite"),
    path("logins/<int:pk>/active/", portal_views.portal_login_active, name="portal_login_active"),
]
