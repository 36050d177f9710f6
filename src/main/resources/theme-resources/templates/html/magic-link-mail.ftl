<#import "template.ftl" as layout>
<#-- Magic-link mail (HTML). Reads link, linkExpirationAmount and linkExpirationUnit (or the former linkExpirationMinutes), realmName, requestIp, requestBrowser, emailCode (optional: the one-time code to type on the waiting page); never the waiting page's two-digit code. With sentBy (links minted by a partner backend through the API) the intro names that partner instead.
     Browser and IP come from whoever asked for the mail, so no message here goes through kcSanitize (it decodes
     entities first, which would let markup in them through): every text is auto-escaped, the only markup is below. -->
<#function plain value max=200>
    <#local s = (value!"")?string?truncate(max)?replace(r"${", "$ {")>
    <#return s?has_content?then(s, msg("magicLinkUnknown"))>
</#function>
<#-- The link's lifetime as this locale words it ("5 minutes", "24 hours", "2 days"): linkExpirationAmount in
     linkExpirationUnit (minutes, hours or days), through tokenLogin.duration.<unit>; else the former linkExpirationMinutes. -->
<#if ["minutes", "hours", "days"]?seq_contains(linkExpirationUnit!"") && linkExpirationAmount??>
    <#assign expiryUnit = linkExpirationUnit, expiryAmount = linkExpirationAmount>
<#else>
    <#assign expiryUnit = "minutes", expiryAmount = linkExpirationMinutes!1>
</#if>
<#assign expiry = msg("tokenLogin.duration." + expiryUnit, expiryAmount?is_number?then(expiryAmount, (expiryAmount?string)?number))>
<@layout.emailLayout>
<p><#if sentBy??>${msg("magicLinkBodySentBy", plain(realmName), plain(sentBy))}<#else>${msg("magicLinkBodyIntro", plain(realmName), plain(requestBrowser), plain(requestIp, 64))}</#if></p>
<p><a href="${link}">${msg("magicLinkBodyLink", plain(realmName))}</a></p>
<#if emailCode??><p>${msg("magicLinkBodyCode")}</p>
<p id="email-code" style="font-size:28px;font-weight:bold;letter-spacing:4px;font-family:monospace">${emailCode}</p></#if>
<p>${msg("magicLinkBodyExpiry", expiry)}</p>
<p>${msg("magicLinkBodyIgnore")}</p>
</@layout.emailLayout>
