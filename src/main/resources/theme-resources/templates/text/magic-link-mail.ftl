<#ftl output_format="plainText">
<#-- Magic-link mail (plain text). Reads link, linkExpirationMinutes, realmName, requestIp, requestBrowser; never the waiting code. With sentBy (links minted by a partner backend through the API) the intro names that partner instead. -->
<#function plain value max=200>
    <#local s = (value!"")?string?truncate(max)?replace(r"${", "$ {")>
    <#return s?has_content?then(s, msg("magicLinkUnknown"))>
</#function>
<#assign minutes = (linkExpirationMinutes!0)?is_number?then(linkExpirationMinutes!0, (linkExpirationMinutes!"0")?number)>
<#if sentBy??>${msg("magicLinkBodySentBy", plain(realmName), plain(sentBy))}<#else>${msg("magicLinkBodyIntro", plain(realmName), plain(requestBrowser), plain(requestIp, 64))}</#if>

${msg("magicLinkBodyAction")}

${link}

${msg("magicLinkBodyExpiry", minutes)}

${msg("magicLinkBodyIgnore")}
