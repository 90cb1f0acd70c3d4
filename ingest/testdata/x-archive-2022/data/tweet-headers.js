window.YTD.tweet_headers.part0 = [
  { "tweet" : { "tweet_id" : "501", "user_id" : "42", "created_at" : "Thu Nov 03 08:50:26 +0000 2022" } }
]
