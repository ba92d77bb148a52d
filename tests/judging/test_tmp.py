from support import PASSWORD
def test_x(app, client, make, login_as):
    make.edition()
    big = "99999999999999999999999"
    for url in [f"/?edition={big}", f"/winners?edition={big}", f"/auth/login?edition={big}"]:
        print(url, client.get(url).status_code)
    login_as(make.user("organiser"))
    for url in [f"/organiser/?edition={big}", f"/organiser/entries/{big}", f"/organiser/entries?page={big}",f"/organiser/entries?category={big}", f"/organiser/results?round={big}", f"/organiser/juries?edition=2147483648"]:
        print(url, client.get(url).status_code)
