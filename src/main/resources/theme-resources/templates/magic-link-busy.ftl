<#-- Email magic link: the mail queue of this server is full right now (the same page for every address).
     Reads magicLink.email (optional: the typed address, posted again), magicLink.resend (optional boolean). -->
<#import "template.ftl" as layout>
<#assign ml = magicLink!{}>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("magicLink.busyTitle")}
    <#elseif section = "form">
        <!-- template: magic-link-busy.ftl -->
        <p id="ml-busy" class="pf-v5-u-mb-md">${msg("magicLink.busy")}</p>
        <form id="kc-magic-link-busy-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <#if ml.email??><input type="hidden" name="email" value="${ml.email}"/></#if>
            <#if (ml.resend!false)><input type="hidden" name="resend" value="true"/></#if>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormActionGroupClass!}">
                    <button class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}"
                            name="retry" id="ml-try-again" type="submit">${msg("magicLink.tryAgain")}</button>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
