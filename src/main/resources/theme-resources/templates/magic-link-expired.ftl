<#-- The link cannot be used (any more). Rendered outside the flow.
     Reads magicLink.reason (expired|used|superseded|refused|denied|revoked; anything else shows "expired") and
     magicLink.restartUrl (optional). -->
<#import "template.ftl" as layout>
<#assign ml = magicLink!{}>
<#assign reason = ml.reason!"expired">
<#if !["expired", "used", "superseded", "refused", "denied", "revoked"]?seq_contains(reason)>
    <#assign reason = "expired">
</#if>
<@layout.registrationLayout displayInfo=false displayMessage=false; section>
    <#if section = "header">
        ${msg("magicLink.expiredTitle")}
    <#elseif section = "form">
        <!-- template: magic-link-expired.ftl -->
        <p id="ml-reason-${reason}" class="pf-v5-u-mb-md">${msg("magicLink.reason." + reason)}</p>
        <#if ml.restartUrl?has_content>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormActionGroupClass!}">
                    <a id="ml-restart-link" href="${ml.restartUrl}"
                       class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">${msg("magicLink.requestNew")}</a>
                </div>
            </div>
        <#else>
            <p id="ml-start-again">${msg("magicLink.startAgain")}</p>
        </#if>
    </#if>
</@layout.registrationLayout>
