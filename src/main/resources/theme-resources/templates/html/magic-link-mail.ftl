<#import "template.ftl" as layout>
<#-- Magic-link mail (HTML). Reads link, linkExpirationMinutes, realmName, requestIp, requestBrowser; never the waiting code. With sentBy (links minted by a partner backend through the API) the intro names that partner instead.
     Browser and IP come from whoever asked for the mail, so no message here goes through kcSanitize (it decodes
     entities first, which would let markup in them through): every text is auto-escaped, the only markup is below. -->
<#function plain value max=200>
    <#local s = (value!"")?string?truncate(max)?replace(r"${", "$ {")>
    <#return s?has_content?then(s, msg("magicLinkUnknown"))>
</#function>
<#assign minutes = (linkExpirationMinutes!0)?is_number?then(linkExpirationMinutes!0, (linkExpirationMinutes!"0")?number)>
<@layout.emailLayout>
<p><#if sentBy??>${msg("magicLinkBodySentBy", plain(realmName), plain(sentBy))}<#else>${msg("magicLinkBodyIntro", plain(realmName), plain(requestBrowser), plain(requestIp, 64))}</#if></p>
<p><a href="${link}">${msg("magicLinkBodyLink", plain(realmName))}</a></p>
<p>${msg("magicLinkBodyExpiry", minutes)}</p>
<p>${msg("magicLinkBodyIgnore")}</p>
</@layout.emailLayout>
