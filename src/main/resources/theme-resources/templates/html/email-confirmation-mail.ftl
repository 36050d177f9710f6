<#import "template.ftl" as layout>
<#-- Email-confirmation mail (HTML), sent by POST …/token-login/email-confirmations. Reads link, realmName, linkExpirationAmount and linkExpirationUnit (or the former linkExpirationMinutes).
     Every text is auto-escaped; the link is the only markup. -->
<#-- The link's lifetime as this locale words it ("5 minutes", "24 hours", "2 days"): linkExpirationAmount in
     linkExpirationUnit (minutes, hours or days), through tokenLogin.duration.<unit>; else the former linkExpirationMinutes. -->
<#if ["minutes", "hours", "days"]?seq_contains(linkExpirationUnit!"") && linkExpirationAmount??>
    <#assign expiryUnit = linkExpirationUnit, expiryAmount = linkExpirationAmount>
<#else>
    <#assign expiryUnit = "minutes", expiryAmount = linkExpirationMinutes!1>
</#if>
<#assign expiry = msg("tokenLogin.duration." + expiryUnit, expiryAmount?is_number?then(expiryAmount, (expiryAmount?string)?number))>
<@layout.emailLayout>
<p>${msg("emailConfirmationBodyIntro", (realmName!"")?replace(r"${", "$ {"))}</p>
<p><a href="${link}">${msg("emailConfirmationBodyLink")}</a></p>
<p>${msg("emailConfirmationBodyExpiry", expiry)}</p>
<p>${msg("magicLinkBodyIgnore")}</p>
</@layout.emailLayout>
