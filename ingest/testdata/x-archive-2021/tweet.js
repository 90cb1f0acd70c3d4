window.YTD.tweet.part0 = [ {
  "tweet" : {
    "entities" : { "user_mentions" : [ { "screen_name" : "owner", "id_str" : "42" } ] },
    "id_str" : "601",
    "created_at" : "Mon Mar 01 12:00:00 +0000 2021",
    "full_text" : "RT @owner: an older retweet"
  }
}, {
  "tweet" : {
    "entities" : { "user_mentions" : [ ] },
    "id_str" : "602",
    "created_at" : "Tue Mar 02 12:00:00 +0000 2021",
    "full_text" : "RT @nobody: the retweeted account is not among the mentions"
  }
} ]
