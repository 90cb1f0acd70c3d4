window.__THAR_CONFIG = {
  "userInfo" : {
    "accountId" : "42",
    "userName" : "owner",
    "displayName" : "The Owner"
  },
  "archiveInfo" : {
    "generationDate" : "2022-11-14T18:44:55.824Z",
    "isPartialArchive" : false
  }
}
