from django.urls import path

from voting import card_views, views

app_name = "voting"

urlpatterns = [
    path("projects/<int:pk>/vote/", views.vote_start, name="start"),
    path("vote/code/", views.vote_verify, name="verify"),
    path("vote/code/again/", views.vote_resend, name="resend"),
    path("vote/thank-you/", views.vote_done, name="done"),
    path("vote/receipt/", views.receipt_check, name="receipt_check"),
    path("vote/rules/", views.rules, name="rules"),
    path("vote/privacy/", views.privacy, name="privacy"),
    path("vote/card/", card_views.card_enter, name="card_enter"),
    path("vote/card/<str:code>/", card_views.card_ballot, name="card"),
    path("fairs/<slug:slug>/results/", views.results, name="results"),
    path("fairs/<slug:slug>/protocol/protocol.pdf", views.protocol_document, name="protocol_pdf"),
    path("fairs/<slug:slug>/protocol/counts.json", views.protocol_counts_json, name="protocol_counts_json"),
    path("fairs/<slug:slug>/protocol/<str:name>", views.protocol_file, name="protocol_file"),
]
