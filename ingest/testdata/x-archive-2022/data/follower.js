window.YTD.follower.part0 = [
  { "follower" : { "accountId" : "7", "userLink" : "https://twitter.com/intent/user?user_id=7" } },
  { "follower" : { "accountId" : "9", "userLink" : "https://twitter.com/intent/user?user_id=9" } }
]
