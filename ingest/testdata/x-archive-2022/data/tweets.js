window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : {
        "user_mentions" : [
          {
            "name" : "Friend",
            "screen_name" : "Friend",
            "indices" : [ "3", "10" ],
            "id_str" : "7",
            "id" : "7"
          }
        ],
        "hashtags" : [ ]
      },
      "id_str" : "501",
      "id" : "501",
      "created_at" : "Thu Nov 03 08:50:26 +0000 2022",
      "favorite_count" : "0",
      "retweet_count" : "3",
      "full_text" : "RT @friend: something worth sharing \u2728"
    }
  },
  {
    "tweet" : {
      "entities" : {
        "user_mentions" : [
          { "screen_name" : "friend", "id_str" : "7", "indices" : [ "0", "7" ] },
          { "screen_name" : "other", "id_str" : "8", "indices" : [ "8", "14" ] },
          { "screen_name" : "friend", "id_str" : "7", "indices" : [ "20", "27" ] }
        ]
      },
      "id_str" : "502",
      "in_reply_to_status_id_str" : "900",
      "in_reply_to_user_id_str" : "7",
      "in_reply_to_screen_name" : "friend",
      "created_at" : "Fri Nov 04 10:00:00 +0000 2022",
      "full_text" : "@friend @other yes, @friend"
    }
  },
  {
    "tweet" : {
      "entities" : {
        "user_mentions" : [ { "screen_name" : "other", "id_str" : "8", "indices" : [ "0", "6" ] } ]
      },
      "id_str" : "503",
      "in_reply_to_user_id_str" : "8",
      "created_at" : "Sat Nov 05 10:00:00 +0000 2022",
      "full_text" : "@other hello (an old-style mention, not a reply)"
    }
  },
  {
    "tweet" : {
      "entities" : { "user_mentions" : [ ] },
      "id_str" : "504",
      "in_reply_to_status_id_str" : "503",
      "in_reply_to_user_id_str" : "42",
      "created_at" : "Sat Nov 05 10:05:00 +0000 2022",
      "full_text" : "and a thread of my own"
    }
  }
]
