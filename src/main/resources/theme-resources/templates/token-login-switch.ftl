<#-- A partner link for another person than the one signed in here: ask before ending that session.
     Rendered outside any flow. Reads tokenLoginSwitch.current, next (optional), actionUrl, nonce, stayUrl. -->
<#import "template.ftl" as layout>
<#assign sw = tokenLoginSwitch!{}>
<@layout.registrationLayout displayInfo=false displayMessage=false; section>
    <#if section = "header">
        ${msg("tokenLogin.switchTitle")}
    <#elseif section = "form">
        <!-- template: token-login-switch.ftl -->
        <p id="tl-switch-current" class="pf-v5-u-mb-sm">${msg("tokenLogin.switchCurrent", sw.current!"")}</p>
        <#if (sw.next)??>
            <p id="tl-switch-next" class="pf-v5-u-mb-md">${msg("tokenLogin.switchNext", sw.next)}</p>
        <#else>
            <p id="tl-switch-next" class="pf-v5-u-mb-md">${msg("tokenLogin.switchNextUnknown")}</p>
        </#if>
        <form id="tl-switch-form" class="${properties.kcFormClass!}" action="${sw.actionUrl!""}" method="post">
            <input type="hidden" name="switch" value="${sw.nonce!""}">
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormActionGroupClass!}">
                    <button class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}"
                            id="tl-switch-continue" type="submit">${msg("tokenLogin.switchContinue")}</button>
                    <a class="${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!} pf-v5-u-mt-sm"
                       id="tl-switch-stay" href="${sw.stayUrl!""}">${msg("tokenLogin.switchStay", sw.current!"")}</a>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
