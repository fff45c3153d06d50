; つなぎ installer (NSIS 3, Unicode, Modern UI 2, Japanese).
; Per-user install without administrator rights; the uninstaller never deletes the data folder.
;   makensis -DBUNDLE=dist\tsunagi -DOUTFILE=dist\tsunagi-setup.exe installer\tsunagi.nsi
Unicode true
ManifestDPIAware true
RequestExecutionLevel user

!ifndef BUNDLE
  !define BUNDLE "..\dist\tsunagi"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\tsunagi-setup.exe"
!endif
!define APP "つなぎ"
!define APP_ID "Tsunagi"
!define VERSION "0.1.0"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"

Name "${APP}"
OutFile "${OUTFILE}"
; Programs go under Programs; the data stays in %LOCALAPPDATA%\Tsunagi, which nothing here touches.
InstallDir "$LOCALAPPDATA\Programs\${APP_ID}"
InstallDirRegKey HKCU "Software\${APP_ID}" "InstallDir"
;  -DFAST (CI): no compression — checks the script and the file list in seconds instead of minutes.
!ifdef FAST
  SetCompress off
!else
  SetCompressor /SOLID lzma
!endif

!include "MUI2.nsh"
; makensis works from this file's folder, so the path is relative to installer/.
!define MUI_ICON "../resources/icons/tsunagi.ico"
!define MUI_UNICON "../resources/icons/tsunagi.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\tsunagi.exe"
!define MUI_FINISHPAGE_RUN_TEXT "つなぎを起動する"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Japanese"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_JAPANESE} "ProductName" "${APP}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileDescription" "${APP} インストーラー"
VIAddVersionKey /LANG=${LANG_JAPANESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_JAPANESE} "LegalCopyright" "IPAexフォントとIPAmj明朝フォントは IPAフォントライセンスv1.0 に従います"

Section "つなぎ" SecMain
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the program files only; the first start after it migrates the data after a
  ; safety copy (see the app's own migration step).
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortCut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\tsunagi.exe"
  CreateShortCut "$SMPROGRAMS\${APP}\${APP} のアンインストール.lnk" "$INSTDIR\uninstall.exe"
  CreateShortCut "$DESKTOP\${APP}.lnk" "$INSTDIR\tsunagi.exe"
  WriteRegStr HKCU "Software\${APP_ID}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" "$\"$INSTDIR\uninstall.exe$\""
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; Only the program: %LOCALAPPDATA%\Tsunagi (the encrypted records) is deliberately left in place.
  Delete "$DESKTOP\${APP}.lnk"
  RMDir /r "$SMPROGRAMS\${APP}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\tsunagi.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${APP_ID}"
  ; /SD IDOK: a silent uninstall (uninstall.exe /S, from a script or a software-management tool) must not
  ; stop at a message box nobody will see.
  MessageBox MB_OK|MB_ICONINFORMATION "つなぎのプログラムを削除しました。記録のデータ（$LOCALAPPDATA\Tsunagi）は残しています。" /SD IDOK
SectionEnd
