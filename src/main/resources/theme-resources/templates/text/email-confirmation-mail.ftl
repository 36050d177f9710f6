<#ftl output_format="plainText">
<#-- Email-confirmation mail (plain text), sent by POST …/token-login/email-confirmations. Reads link, realmName, linkExpirationAmount and linkExpirationUnit (or the former linkExpirationMinutes). -->
<#-- The link's lifetime as this locale words it ("5 minutes", "24 hours", "2 days"): linkExpirationAmount in
     linkExpirationUnit (minutes, hours or days), through tokenLogin.duration.<unit>; else the former linkExpirationMinutes. -->
<#if ["minutes", "hours", "days"]?seq_contains(linkExpirationUnit!"") && linkExpirationAmount??>
    <#assign expiryUnit = linkExpirationUnit, expiryAmount = linkExpirationAmount>
<#else>
    <#assign expiryUnit = "minutes", expiryAmount = linkExpirationMinutes!1>
</#if>
<#assign expiry = msg("tokenLogin.duration." + expiryUnit, expiryAmount?is_number?then(expiryAmount, (expiryAmount?string)?number))>
${msg("emailConfirmationBodyIntro", (realmName!"")?replace(r"${", "$ {"))}

${link}

${msg("emailConfirmationBodyExpiry", expiry)}

${msg("magicLinkBodyIgnore")}
