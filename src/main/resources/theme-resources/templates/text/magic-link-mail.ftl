<#ftl output_format="plainText">
<#-- Magic-link mail (plain text). Reads link, linkExpirationAmount and linkExpirationUnit (or the former linkExpirationMinutes), realmName, requestIp, requestBrowser, emailCode (optional); never the waiting page's two-digit code. With sentBy (links minted by a partner backend through the API) the intro names that partner instead. -->
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
<#if sentBy??>${msg("magicLinkBodySentBy", plain(realmName), plain(sentBy))}<#else>${msg("magicLinkBodyIntro", plain(realmName), plain(requestBrowser), plain(requestIp, 64))}</#if>

${msg("magicLinkBodyAction")}

${link}
<#if emailCode??>

${msg("magicLinkBodyCode")} ${emailCode}
</#if>

${msg("magicLinkBodyExpiry", expiry)}

${msg("magicLinkBodyIgnore")}
