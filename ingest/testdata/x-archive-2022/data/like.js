window.YTD.like.part0 = [
  { "like" : { "tweetId" : "1002", "fullText" : "@bob nice one", "expandedUrl" : "https://twitter.com/i/web/status/1002" } },
  { "like" : { "tweetId" : "777", "expandedUrl" : "https://twitter.com/i/web/status/777" } }
]
