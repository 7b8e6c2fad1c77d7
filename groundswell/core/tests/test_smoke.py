def test_pages(client, project, practitioner):
    for url in [
        "/",
        "/projects/",
        "/contributions/",
        "/organisations/",
        project.get_absolute_url(),
        f"/projects/{project.slug}/contributions/",
        "/accounts/login/",
        "/accounts/signup/",
        "/code-of-conduct/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    client.force_login(practitioner)
    for url in [
        f"/projects/{project.slug}/contribute/",
        f"/projects/{project.slug}/contribute/barrier/",
        "/projects/new/",
        "/organisations/new/",
        "/me/profile/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    r = client.post(
        f"/projects/{project.slug}/contribute/barrier/",
        {
            "title": "Fifteen-minute visits",
            "body": "Visits are too short",
            "rule": "Time and task commissioning",
            "frontline_effect": "We rush",
            "attribution": "protected",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    r = client.get(r.url)
    assert b"You wrote this" in r.content
    r = client.get(f"/projects/{project.slug}/contributions/?q=fifteen")
    assert b"Fifteen-minute" in r.content
