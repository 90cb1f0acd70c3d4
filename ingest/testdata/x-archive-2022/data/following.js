window.YTD.following.part0 = [
  { "following" : { "accountId" : "7", "userLink" : "https://twitter.com/intent/user?user_id=7" } }
]
