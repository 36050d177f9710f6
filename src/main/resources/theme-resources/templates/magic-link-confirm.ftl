<#-- Magic link opened in the browser that asked for it: one click finishes the sign-in (mail scanners never click).
     Rendered outside the flow. Reads magicLink.actionUrl, key, and for partner-API links nonce and signedInAs (optional). -->
<#import "template.ftl" as layout>
<#assign ml = magicLink!{}>
<#assign realmTitle = ((realm.displayName)!"")?has_content?then(realm.displayName, (realm.name)!"")>
<@layout.registrationLayout displayInfo=false displayMessage=false; section>
    <#if section = "header">
        ${msg("magicLink.confirmTitle", realmTitle)}
    <#elseif section = "form">
        <!-- template: magic-link-confirm.ftl -->
        <#if (ml.signedInAs)??>
            <p id="ml-confirm-other-user" class="pf-v5-u-mb-sm">${msg("tokenLogin.switchCurrent", ml.signedInAs)} ${msg("tokenLogin.switchNextUnknown")}</p>
        </#if>
        <p id="ml-confirm-text" class="pf-v5-u-mb-md">${msg("magicLink.confirmText")}</p>
        <form id="ml-confirm-form" class="${properties.kcFormClass!}" action="${ml.actionUrl!""}" method="post">
            <input type="hidden" name="key" value="${ml.key!""}">
            <#if (ml.nonce)??><input type="hidden" name="nonce" value="${ml.nonce}"></#if>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormActionGroupClass!}">
                    <button class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}"
                            name="confirm" id="ml-confirm" type="submit">${msg("magicLink.confirm")}</button>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
