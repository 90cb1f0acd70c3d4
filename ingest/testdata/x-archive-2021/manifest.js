window.__THAR_CONFIG = {
  "userInfo" : {
    "accountId" : "43",
    "userName" : "Owner2021",
    "displayName" : "Older Owner"
  }
}
