"""Awards on pages the projects app renders (project and NGO pages), without projects
importing awards: the templates ask for them."""

from django import template

from awards import selectors

register = template.Library()


@register.simple_tag
def project_awards(project):
    return list(selectors.awards_of_project(project))


@register.simple_tag
def organisation_awards(organisation):
    return list(selectors.awards_of_organisation(organisation))
